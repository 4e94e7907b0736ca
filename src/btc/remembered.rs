//! Derivations remembered beside the keystore: the public keys and taproot output keys this
//! signer derived while reviewing, kept in one file authenticated with a key from the seed, so
//! that a later review of the same keys (the `sign` after an `inspect`, another approver's
//! look, the next payout from the same addresses) recalls them instead of repeating the
//! elliptic-curve work. Only a process holding the seed can write an entry the next one
//! accepts; a file that fails its check is ignored (every key is derived again) and
//! rewritten. Format: docs/review.md, "Remembered derivations".

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bitcoin::bip32::{ChainCode, ChildNumber, DerivationPath};
use bitcoin::hashes::hmac::{Hmac, HmacEngine};
use bitcoin::hashes::{sha256, Hash, HashEngine};
use bitcoin::secp256k1::PublicKey;
use zeroize::Zeroizing;

use super::derive::{PublicDerivations, Root};
use super::known_keys::KnownKeys;
use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::keys::material::HdKeys;
use crate::Result;

/// The file's name, in the keystore's directory.
pub const FILE_NAME: &str = "derived-keys.bin";
/// The derivation path of the key that authenticates the file: the purpose of the audit key
/// (index 0) and the approver key (index 1), 0x636f6c64 ("cold"), index 2.
const MAC_PATH: &str = "m/1668246628'/2'";
const MAGIC: &[u8] = b"coldsign derived keys v1\n";
/// The most keys and tweaks a file may hold (about 18 MB); beyond it nothing more is
/// remembered.
pub const MAX_ENTRIES: usize = 250_000;
/// The most branches a file may hold (each is an account's receive or change branch, or a
/// registered wallet's), so that what is read before the code is checked stays small.
const MAX_BRANCHES: usize = 10_000;
const MAC_LEN: usize = 32;

/// Why a remembered file was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ignored {
    /// It could not be read (the operating system's reason).
    Unreadable(String),
    /// It does not parse, or its authentication code is wrong: it was changed, written under
    /// another seed, or written in another format.
    NotAuthentic,
}

impl Ignored {
    /// The note shown to the person.
    pub fn said(&self, path: &Path) -> Text {
        let path = path.display();
        match self {
            Ignored::Unreadable(detail) => Text::new("note-remembered-unreadable")
                .arg("path", path)
                .arg("detail", detail),
            Ignored::NotAuthentic => Text::new("note-remembered-not-authentic").arg("path", path),
        }
    }
}

/// The remembered derivations of one keystore: where they live and the key that
/// authenticates them (erased when dropped).
pub struct Remembered {
    path: PathBuf,
    key: Zeroizing<[u8; 32]>,
}

impl Remembered {
    /// The file beside `keystore`, authenticated with a key of `hd`.
    pub fn for_keystore(keystore: &Path, hd: &HdKeys) -> Self {
        let path = DerivationPath::from_str(MAC_PATH).expect("constant path");
        let secret = hd.private_key(&path);
        let secret = Zeroizing::new(secret.expose_secret().secret_bytes());
        let mut engine = HmacEngine::<sha256::Hash>::new(&secret[..]);
        engine.input(MAGIC);
        let key = Zeroizing::new(Hmac::from_engine(engine).to_byte_array());
        Remembered {
            path: beside(keystore),
            key,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fills `memo` from the file (nothing when there is none); `Err` says why a file that
    /// exists was ignored, and `memo` is then left empty. The file is read once, as it is
    /// authenticated, so what is checked is what is recalled.
    pub fn recall(&self, memo: &PublicDerivations) -> std::result::Result<(), Ignored> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Ignored::Unreadable(e.to_string())),
        };
        let mut reader = Reader {
            input: BufReader::new(file),
            engine: Some(HmacEngine::new(&self.key[..])),
            error: None,
        };
        let parsed = parse(&mut reader, &mut Recalling(memo));
        if let Some(e) = reader.error.take() {
            memo.forget();
            return Err(Ignored::Unreadable(e.to_string()));
        }
        let expected = reader
            .engine
            .take()
            .map(|engine| Hmac::from_engine(engine).to_byte_array());
        let mut mac = [0u8; MAC_LEN];
        let mut rest = Vec::new();
        let read = reader
            .input
            .read_exact(&mut mac)
            .and_then(|_| (&mut reader.input).take(1).read_to_end(&mut rest));
        let verdict = match (read, parsed) {
            (Err(e), _) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                Err(Ignored::Unreadable(e.to_string()))
            }
            (Ok(_), Some(())) if rest.is_empty() && expected.is_some_and(|e| same(&e, &mac)) => {
                Ok(())
            }
            _ => Err(Ignored::NotAuthentic),
        };
        if verdict.is_err() {
            memo.forget();
        }
        verdict
    }

    /// Writes `memo` to the file when it learned anything (atomically, readable by the owner
    /// only); nothing when it holds more than [`MAX_ENTRIES`] keys and tweaks, or more
    /// branches than a file may hold.
    pub fn remember(&self, memo: &PublicDerivations) -> Result<()> {
        let (keys, tweaks) = memo.counts();
        if !memo.learned() || keys + tweaks > MAX_ENTRIES || memo.branch_count() > MAX_BRANCHES {
            return Ok(());
        }
        files::write_atomic_with(&self.path, 0o600, Replace::Allowed, &|out| {
            let mut out = Authenticating {
                out,
                engine: HmacEngine::new(&self.key[..]),
            };
            write_body(&mut out, memo)?;
            let mac = Hmac::from_engine(out.engine).to_byte_array();
            out.out.write_all(&mac)
        })
    }
}

/// The file's path beside `keystore`.
fn beside(keystore: &Path) -> PathBuf {
    keystore.parent().unwrap_or(Path::new(".")).join(FILE_NAME)
}

/// Equality of two codes in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A writer that feeds everything it writes to an HMAC.
struct Authenticating<'w> {
    out: &'w mut dyn Write,
    engine: HmacEngine<sha256::Hash>,
}

impl Write for Authenticating<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.engine.input(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The file without its code: the magic, the branches (root chain code and key, parent
/// path), the keys (branch, child, uncompressed key without its prefix byte) and the taproot
/// tweaks (internal and output x-only keys). Counts and numbers are big-endian u32.
fn write_body(out: &mut dyn Write, memo: &PublicDerivations) -> std::io::Result<()> {
    let u32_of = |n: usize| u32::try_from(n).map_err(std::io::Error::other);
    out.write_all(MAGIC)?;
    // Branches are numbered 0, 1, 2… as they are first seen: in order, a branch's place in
    // the file is its number.
    let mut branches = memo.branches();
    branches.sort_unstable_by_key(|(number, _, _)| *number);
    out.write_all(&u32_of(branches.len())?.to_be_bytes())?;
    for (_, (chain_code, key), path) in &branches {
        out.write_all(chain_code.as_bytes())?;
        out.write_all(&key.serialize())?;
        let depth = u8::try_from(path.len()).map_err(std::io::Error::other)?;
        out.write_all(&[depth])?;
        for child in path {
            out.write_all(&u32::from(*child).to_be_bytes())?;
        }
    }
    let (keys, tweaks) = memo.counts();
    out.write_all(&u32_of(keys)?.to_be_bytes())?;
    memo.for_each_key(&mut |branch, child, key| {
        out.write_all(&u32_of(branch)?.to_be_bytes())?;
        out.write_all(&u32::from(child).to_be_bytes())?;
        out.write_all(&key.serialize_uncompressed()[1..])
    })?;
    out.write_all(&u32_of(tweaks)?.to_be_bytes())?;
    memo.for_each_tweak(&mut |internal, output| {
        out.write_all(internal)?;
        out.write_all(output)
    })
}

/// The keys remembered beside `keystore`, read without the seed (so before the keystore is
/// unlocked), as points the PSBT reader need not decompress again. Not authenticated, and
/// need not be: a point stands only for its own serialization ([`KnownKeys`]). Nothing when
/// the file is missing, unreadable or out of shape; the review's own read
/// ([`Remembered::recall`]) reports such a file.
pub fn known_keys(keystore: &Path) -> KnownKeys {
    let mut known = KnownKeys::none();
    let Ok(file) = File::open(beside(keystore)) else {
        return known;
    };
    let mut reader = Reader {
        input: BufReader::new(file),
        engine: None,
        error: None,
    };
    if parse(&mut reader, &mut known).is_none() {
        return KnownKeys::none();
    }
    known
}

/// What a read of the file fills.
trait Filling {
    /// Numbers the branch `parent_path` below `root`.
    fn branch(&mut self, root: Root, parent_path: DerivationPath) -> usize;
    /// Takes key `child` of the branch numbered `branch` (uncompressed, without its prefix
    /// byte); `None` rejects the file.
    fn key(&mut self, branch: usize, child: ChildNumber, x_and_y: &[u8; 64]) -> Option<()>;
    /// Takes the key-only taproot output key `output` of `internal`.
    fn tweak(&mut self, internal: [u8; 32], output: [u8; 32]);
}

/// An authenticated read, into the memo.
struct Recalling<'m>(&'m PublicDerivations);

impl Filling for Recalling<'_> {
    fn branch(&mut self, root: Root, parent_path: DerivationPath) -> usize {
        self.0.recall_branch(root, parent_path)
    }

    fn key(&mut self, branch: usize, child: ChildNumber, x_and_y: &[u8; 64]) -> Option<()> {
        let mut uncompressed = [4u8; 65];
        uncompressed[1..].copy_from_slice(x_and_y);
        let key = PublicKey::from_slice(&uncompressed).ok()?;
        self.0.recall_key(branch, child, key);
        Some(())
    }

    fn tweak(&mut self, internal: [u8; 32], output: [u8; 32]) {
        self.0.recall_tweak(internal, output);
    }
}

/// A read for points only (see [`known_keys`]).
impl Filling for KnownKeys {
    fn branch(&mut self, _: Root, _: DerivationPath) -> usize {
        0
    }

    fn key(&mut self, _: usize, _: ChildNumber, x_and_y: &[u8; 64]) -> Option<()> {
        self.offer(x_and_y);
        Some(())
    }

    fn tweak(&mut self, _: [u8; 32], _: [u8; 32]) {}
}

/// Reads what [`write_body`] wrote into `filling`; `None` if anything is out of place (the
/// caller then forgets what was read).
fn parse(r: &mut Reader, filling: &mut dyn Filling) -> Option<()> {
    if r.array::<{ MAGIC.len() }>()? != *MAGIC {
        return None;
    }
    let branch_count = r.count()?;
    if branch_count > MAX_BRANCHES {
        return None;
    }
    let mut numbers = Vec::with_capacity(branch_count);
    for _ in 0..branch_count {
        let chain_code = ChainCode::from(r.array::<32>()?);
        let key = PublicKey::from_slice(&r.array::<33>()?).ok()?;
        let depth = r.array::<1>()?[0];
        let path: Vec<ChildNumber> = (0..depth)
            .map(|_| r.u32().map(ChildNumber::from))
            .collect::<Option<_>>()?;
        let root: Root = (chain_code, key);
        numbers.push(filling.branch(root, path.into()));
    }
    for _ in 0..r.count()? {
        let branch = *numbers.get(usize::try_from(r.u32()?).ok()?)?;
        let child = ChildNumber::from(r.u32()?);
        if child.is_hardened() {
            return None;
        }
        filling.key(branch, child, &r.array::<64>()?)?;
    }
    for _ in 0..r.count()? {
        filling.tweak(r.array::<32>()?, r.array::<32>()?);
    }
    Some(())
}

/// Reads fixed-size fields from the file, feeding every byte to its authentication code (if
/// it is being authenticated); a read error is kept for the caller.
struct Reader {
    input: BufReader<File>,
    engine: Option<HmacEngine<sha256::Hash>>,
    error: Option<std::io::Error>,
}

impl Reader {
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut field = [0u8; N];
        match self.input.read_exact(&mut field) {
            Ok(()) => {
                if let Some(engine) = &mut self.engine {
                    engine.input(&field);
                }
                Some(field)
            }
            Err(e) => {
                if e.kind() != std::io::ErrorKind::UnexpectedEof {
                    self.error = Some(e);
                }
                None
            }
        }
    }

    fn u32(&mut self) -> Option<u32> {
        self.array::<4>().map(u32::from_be_bytes)
    }

    /// A count no larger than [`MAX_ENTRIES`].
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u32()?).ok()?;
        (n <= MAX_ENTRIES).then_some(n)
    }
}
