//! Library half of xtask: the parts that tests exercise directly, such as the sound
//! synthesiser behind `cargo xtask assets`.

pub mod assets;
