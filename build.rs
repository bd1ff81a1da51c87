//! Lists the shipped languages from the files: every `locales/TAG/undersign.ftl`
//! is embedded in the binary, so a translator adds a language with one file
//! and no code.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it was compiled: a build script
    // compiled in another checkout (the package's reproducible builds remap
    // paths, so two clones can share one) must still read this one's files.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut tags: Vec<String> = std::fs::read_dir(&dir)
        .expect("the locales directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("undersign.ftl").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        // A tag names a path prefix and is spliced into Rust source: keep it plain.
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .collect();
    // English first: it is the fallback and what unprefixed paths serve.
    tags.sort_by_key(|t| (t != "en", t.clone()));
    assert_eq!(tags.first().map(String::as_str), Some("en"), "locales/en/undersign.ftl is required");
    let mut out = String::from("/// Each shipped language's tag and catalogue, English first.\npub(crate) const SHIPPED: &[(&str, &str)] = &[\n");
    for tag in &tags {
        let file = dir.join(tag).join("undersign.ftl");
        println!("cargo:rerun-if-changed={}", file.display());
        // By the crate's own directory, not this script's absolute path: a
        // second checkout built into the same target dir reuses this
        // script's output, and must still include its own catalogues.
        writeln!(
            out,
            "    ({tag:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/locales/{tag}/undersign.ftl\"))),"
        )
        .unwrap();
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("locales.rs");
    std::fs::write(target, out).unwrap();
}
