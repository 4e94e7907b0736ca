//! Replays the fuzz corpora (fuzz/corpus/, seeded from the test vectors and extended by fuzz
//! runs) through the same harnesses cargo-fuzz runs, on the stable toolchain: every input
//! and every truncation of it must run without a panic.

#[path = "../fuzz/harness.rs"]
mod harness;

#[test]
fn every_corpus_input_runs_without_panic() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus");
    let mut total = 0;
    for (name, run) in harness::TARGETS {
        let dir = format!("{root}/{name}");
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
        let mut count = 0;
        for entry in entries {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            run(&data);
            // A few truncations: the classic source of slicing panics.
            for cut in [
                data.len() / 2,
                data.len().saturating_sub(1),
                data.len().saturating_sub(7),
            ] {
                run(&data[..cut]);
            }
            count += 1;
        }
        assert!(count > 0, "no corpus for {name}");
        total += count;
    }
    eprintln!("replayed {total} corpus inputs");
}
