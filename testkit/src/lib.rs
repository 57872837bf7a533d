//! Test helpers shared by the workspace's test suites. Servers here are real ones on
//! 127.0.0.1 (moto_server speaks the real AWS wire protocols), never mocks of our own code.

pub mod moto;
pub mod synthetic;

/// The checkout's root, for tests that read its files (bench.toml, queries/, handlers/, docs/):
/// the one place in the tests that knows where the crates lie in the tree.
pub fn repo_root() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize()
        .unwrap_or_else(|e| panic!("the checkout's root {}: {e}", root.display()))
}

/// Every file under `root` with its bytes, by path relative to `root`: equal before and after
/// means nothing in the folder changed (the "reading data never writes it" checks).
pub fn folder_snapshot(
    root: &std::path::Path,
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
            } else if let (Ok(bytes), Ok(rel)) = (std::fs::read(&path), path.strip_prefix(root)) {
                files.insert(rel.to_path_buf(), bytes);
            }
        }
    }
    files
}
