//! `include/termark.h` is what cbindgen generates from this crate today. A stale header
//! fails here; `TERMARK_UPDATE_HEADER=1 cargo test -p termark-c --test header` rewrites it.

use std::path::Path;

#[test]
fn the_checked_in_header_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let path = dir.join("include/termark.h");
    if std::env::var_os("TERMARK_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write the header");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = String::from_utf8(generated).expect("cbindgen writes UTF-8");
    if checked_in != generated {
        let (old, new): (Vec<&str>, Vec<&str>) =
            (checked_in.lines().collect(), generated.lines().collect());
        let n = (0..old.len().max(new.len()))
            .find(|&i| old.get(i) != new.get(i))
            .unwrap_or(0);
        let eof = "(end of file)";
        let (old, new) = (old.get(n).unwrap_or(&eof), new.get(n).unwrap_or(&eof));
        let n = n + 1;
        panic!(
            "bindings/c/include/termark.h is stale (line {n}: the file has {old:?}, cbindgen \
             writes {new:?}): regenerate it with \
             TERMARK_UPDATE_HEADER=1 cargo test -p termark-c --test header, and commit it"
        );
    }
}
