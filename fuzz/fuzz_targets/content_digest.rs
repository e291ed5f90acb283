#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| reqsig_fuzz::targets::content_digest::run(data));
