#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| reqsig_fuzz::targets::signature_fields::run(data));
