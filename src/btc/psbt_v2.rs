//! PSBT version 2 (BIP370) ↔ version 0 (BIP174) conversion.
