//! Compiles `src/btc/core_verify.cpp`, our bridge to Bitcoin Core's script interpreter,
//! against the Core sources the `bitcoinconsensus` crate vendors (its `depend/bitcoin/src`).
//! That crate compiles and links the interpreter itself; the bridge only adds the calls its C
//! API lacks (see the file's header), so it needs nothing but the C++ compiler the crate
//! already needs.
//!
//! The Core source directory is, in order: `$COLDSIGN_CORE_SRC`; the `bitcoinconsensus`
//! package this package depends on, as `cargo metadata` resolves it (registry, vendored or
//! patched alike); the crate's directory in `$CARGO_HOME/registry/src` for the version
//! Cargo.lock names. Cargo.toml pins that crate's exact version: the bridge is compiled
//! against the headers of the very objects it links with.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const CRATE: &str = "bitcoinconsensus";
const SHIM: &str = "src/btc/core_verify.cpp";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={SHIM}");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-env-changed=COLDSIGN_CORE_SRC");
    let core = match core_source() {
        Ok(dir) => dir,
        Err(why) => fail(&format!(
            "cannot find Bitcoin Core's sources for {SHIM} ({why}); set COLDSIGN_CORE_SRC to \
             the `depend/bitcoin/src` directory of the {CRATE} crate"
        )),
    };
    if !core.join("script/interpreter.h").is_file() {
        fail(&format!(
            "{} has no script/interpreter.h: not Bitcoin Core's src directory",
            core.display()
        ));
    }
    // The same language level, macros and include paths as the crate's own build of these
    // sources, so that both sides see the same class layouts.
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        .include(&core)
        .include(core.join("secp256k1/include"))
        .define("__STDC_FORMAT_MACROS", None)
        .flag_if_supported("-Wno-unused-parameter")
        .file(SHIM);
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        build.define("WIN32", "1");
    }
    build.compile("coldsign_core_verify");
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

/// Bitcoin Core's `src` directory as vendored by the `bitcoinconsensus` crate.
fn core_source() -> Result<PathBuf, String> {
    if let Some(dir) = env::var_os("COLDSIGN_CORE_SRC") {
        return Ok(PathBuf::from(dir));
    }
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let crate_dir = from_metadata(&manifest_dir).or_else(|metadata| {
        from_registry(&manifest_dir).map_err(|registry| format!("{metadata}; {registry}"))
    })?;
    Ok(crate_dir.join("depend/bitcoin/src"))
}

/// The crate's directory as `cargo metadata` resolves this package's dependency on it.
fn from_metadata(manifest_dir: &Path) -> Result<PathBuf, String> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(manifest_dir.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let root = &metadata["resolve"]["root"];
    let id = metadata["resolve"]["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|n| &n["id"] == root))
        .and_then(|node| node["deps"].as_array())
        .and_then(|deps| deps.iter().find(|d| d["name"] == CRATE))
        .map(|dep| &dep["pkg"])
        .ok_or_else(|| format!("cargo metadata: no {CRATE} dependency"))?;
    metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| &p["id"] == id))
        .and_then(|package| package["manifest_path"].as_str())
        .and_then(|manifest| Path::new(manifest).parent())
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("cargo metadata: no manifest for {CRATE}"))
}

/// The crate's directory in Cargo's registry cache, for the version Cargo.lock names.
fn from_registry(manifest_dir: &Path) -> Result<PathBuf, String> {
    let lock = std::fs::read_to_string(manifest_dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let name_line = format!("name = \"{CRATE}\"");
    let version = lock
        .lines()
        .skip_while(|line| *line != name_line)
        .nth(1)
        .and_then(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .ok_or_else(|| format!("Cargo.lock names no {CRATE} version"))?;
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let registries = std::fs::read_dir(home.join("registry/src"))
        .map_err(|e| format!("{}: {e}", home.join("registry/src").display()))?;
    registries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join(format!("{CRATE}-{version}")))
        .find(|dir| dir.is_dir())
        .ok_or_else(|| format!("{CRATE}-{version} is not in {}", home.display()))
}
