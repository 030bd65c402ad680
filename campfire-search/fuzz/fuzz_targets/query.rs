#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = campfire_search::fuzzing::exercise(data) {
        panic!("{broken}");
    }
});
