//! Writes the N-input consolidations `scripts/bench-peers` signs, and the private descriptors
//! the peers sign them with (the public test wallet "abandon … about", regtest).
//!
//! `cargo run --release --example bench_psbt -- DIR N...` writes `DIR/{p2wpkh,p2tr}-N.psbt`
//! (base64, PSBT v0) and `DIR/{p2wpkh,p2tr}.descriptors` (receive and change descriptors with
//! the test wallet's tprv, one per line, no checksum).

use bitcoin::bip32::Xpriv;

#[path = "../benches/support/mod.rs"]
mod support;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: bench_psbt DIR N..."));
    let sizes: Vec<u32> = args.map(|n| n.parse().expect("N is a number")).collect();
    std::fs::create_dir_all(&dir).expect("create DIR");
    let hd = support::keys();
    let seed = bip39::Mnemonic::parse(support::WORDS)
        .expect("mnemonic")
        .to_seed("");
    let master = Xpriv::new_master(bitcoin::NetworkKind::Test, &seed).expect("master key");
    for (name, template, account) in support::TYPES {
        let origin = format!("{master}{}", &account[1..]).replace('\'', "h");
        let descriptors: String = ["0", "1"]
            .iter()
            .map(|branch| template.replace("{0}", &format!("{origin}/{branch}/*")) + "\n")
            .collect();
        std::fs::write(dir.join(format!("{name}.descriptors")), descriptors).expect("write");
        for &n in &sizes {
            let psbt = support::consolidation(&hd, template, account, n);
            std::fs::write(dir.join(format!("{name}-{n}.psbt")), psbt.to_string()).expect("write");
        }
    }
}
