//! Link flags of the server binary.

fn main() {
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu {
        // Idle memory: a position-independent binary carries ~38,000 relative relocations
        // (0.9 MB of `.rela.dyn`) that the loader reads, and so pages in, at every start. Packed
        // (DT_RELR, glibc ≥ 2.36, binutils ≥ 2.38) they take a few kilobytes; the binary stays
        // position-independent (ASLR).
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
