//! The paper backup: the sheet of new words, and confirming that the user wrote them down
//! by asking a few of them back.

use crate::i18n::Text;
use crate::prompt::Prompt;
use crate::{Error, Result};

use super::mnemonic::SecretMnemonic;

/// The one-time display of new words, numbered in three columns, with what they are.
pub fn backup_sheet(mnemonic: &SecretMnemonic) -> String {
    let phrase = mnemonic.expose_phrase();
    let words: Vec<&str> = phrase.split(['\u{3000}', ' ']).collect();
    let mut sheet = format!(
        "Write these {} words on paper, in order. They are the only backup of these keys;\n\
         anyone who sees them can spend the funds. They will not be shown again.\n\n",
        words.len()
    );
    let rows = words.len().div_ceil(3);
    for row in 0..rows {
        for col in 0..3 {
            let i = col * rows + row;
            if let Some(w) = words.get(i) {
                sheet.push_str(&format!("{:>4}. {:<12}", i + 1, w));
            }
        }
        sheet.push('\n');
    }
    sheet.push('\n');
    sheet
}

/// How many words are asked back.
pub const WORDS_ASKED: usize = 3;

/// Shows the words once and asks `WORDS_ASKED` randomly chosen words back. Fails (so the
/// keystore is not written) when an answer is wrong.
pub fn confirm_backup(mnemonic: &SecretMnemonic, prompt: &dyn Prompt) -> Result<()> {
    for position in random_positions(mnemonic.word_count()) {
        let question = Text::new("prompt-backup-word").arg("number", position + 1);
        let answer = prompt.line(&question.localized())?;
        if !mnemonic.word_matches(position, &answer) {
            return Err(Error::declined(
                Text::new("error-declined-backup-word").arg("number", position + 1),
            ));
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
