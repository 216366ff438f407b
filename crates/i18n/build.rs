//! Rebuilds the crate when a locale file is added or removed (the Fluent files themselves are
//! compiled in with `include_str!`, which tracks changes to existing files only).

fn main() {
    println!("cargo:rerun-if-changed=../../locales");
    for lang in ["en", "zh-Hans", "zh-Hant", "fr", "ar", "ru", "es"] {
        println!("cargo:rerun-if-changed=../../locales/{lang}");
    }
}
