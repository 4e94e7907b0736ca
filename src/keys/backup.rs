//! Confirming that the user wrote the words down: ask a few of them back.

use crate::prompt::Prompt;
use crate::{Error, Result};

use super::mnemonic::SecretMnemonic;

/// How many words are asked back.
pub const WORDS_ASKED: usize = 3;

/// Shows the words once and asks `WORDS_ASKED` randomly chosen words back. Fails (so the
/// keystore is not written) when an answer is wrong.
pub fn confirm_backup(mnemonic: &SecretMnemonic, prompt: &dyn Prompt) -> Result<()> {
    for position in random_positions(mnemonic.word_count()) {
        let answer = prompt.line(&format!("word #{}", position + 1))?;
        if !mnemonic.word_matches(position, &answer) {
            return Err(Error::Declined(format!(
                "word #{} does not match the backup; nothing was written",
                position + 1
            )));
        }
    }
    Ok(())
}

fn random_positions(word_count: usize) -> Vec<usize> {
    let mut chosen = Vec::with_capacity(WORDS_ASKED);
    while chosen.len() < WORDS_ASKED.min(word_count) {
        let b = super::random_bytes::<1>();
        // Reject the top of the byte range so every position is equally likely.
        if usize::from(b[0]) >= 256 - 256 % word_count {
            continue;
        }
        let position = usize::from(b[0]) % word_count;
        if !chosen.contains(&position) {
            chosen.push(position);
        }
    }
    chosen.sort_unstable();
    chosen
}
