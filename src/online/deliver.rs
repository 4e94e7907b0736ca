//! An unsigned PSBT as the host hands it to the signer: the review the signer will show, the
//! base64 text written to a file (version 0 encoded as it is written), and the binary form an
//! animated QR code carries.

use bitcoin::psbt::Psbt;

use super::payouts::{label_outputs, Payout};
use super::store::WatchWallet;
use crate::btc::psbt_v2::PsbtVersion;
use crate::request::{encode_psbt, Encoded, Encoding};
use crate::review::bitcoin::BtcReview;
use crate::Result;

/// An unsigned PSBT ready to be written and shown.
pub struct Unsigned<'p> {
    /// The review, as the signer will show it, with the payouts' labels.
    pub review: BtcReview,
    /// The base64 text to write (a consolidation whose inputs carry their parent
    /// transactions makes hundreds of megabytes of it: version 0 is never held whole).
    pub base64: Encoded<'p>,
    /// The binary PSBT for a QR code, when asked for.
    pub binary: Option<Vec<u8>>,
}

impl<'p> Unsigned<'p> {
    /// Reviews `psbt` from `wallet` as the signer will (outputs labelled with `payouts`) and
    /// encodes it as version 2 when `v2`, else version 0; `qr` also gives its binary form.
    pub fn new(
        wallet: &WatchWallet,
        psbt: &'p Psbt,
        v2: bool,
        payouts: &[Payout],
        qr: bool,
    ) -> Result<Self> {
        let version = if v2 { PsbtVersion::V2 } else { PsbtVersion::V0 };
        let mut review = wallet.review(psbt, version);
        label_outputs(&mut review, payouts);
        let base64 = Encoded::psbt(psbt, version, None, Encoding::Base64)?;
        let binary = qr
            .then(|| encode_psbt(psbt, version, None, Encoding::Binary))
            .transpose()?;
        Ok(Unsigned {
            review,
            base64,
            binary,
        })
    }
}
