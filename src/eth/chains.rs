//! Chain ids the signer can name. A chain outside this table is still signable, but the review
//! warns that the signer cannot tell which network the signature is good for.

/// A known chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain {
    /// EIP-155 chain id.
    pub id: u64,
    /// Human name.
    pub name: &'static str,
    /// Symbol of the native coin.
    pub symbol: &'static str,
    /// Whether the coin has no market value (test networks).
    pub testnet: bool,
}

const fn chain(id: u64, name: &'static str, symbol: &'static str, testnet: bool) -> Chain {
    Chain {
        id,
        name,
        symbol,
        testnet,
    }
}

/// The built-in table.
pub const CHAINS: &[Chain] = &[
    chain(1, "Ethereum Mainnet", "ETH", false),
    chain(10, "OP Mainnet", "ETH", false),
    chain(56, "BNB Smart Chain", "BNB", false),
    chain(100, "Gnosis", "xDAI", false),
    chain(137, "Polygon PoS", "POL", false),
    chain(250, "Fantom Opera", "FTM", false),
    chain(324, "zkSync Era", "ETH", false),
    chain(1101, "Polygon zkEVM", "ETH", false),
    chain(5000, "Mantle", "MNT", false),
    chain(8453, "Base", "ETH", false),
    chain(42161, "Arbitrum One", "ETH", false),
    chain(42170, "Arbitrum Nova", "ETH", false),
    chain(43114, "Avalanche C-Chain", "AVAX", false),
    chain(59144, "Linea", "ETH", false),
    chain(81457, "Blast", "ETH", false),
    chain(534352, "Scroll", "ETH", false),
    chain(17000, "Holesky (testnet)", "ETH", true),
    chain(560048, "Hoodi (testnet)", "ETH", true),
    chain(84532, "Base Sepolia (testnet)", "ETH", true),
    chain(421614, "Arbitrum Sepolia (testnet)", "ETH", true),
    chain(11155111, "Sepolia (testnet)", "ETH", true),
    chain(11155420, "OP Sepolia (testnet)", "ETH", true),
    chain(31337, "Anvil/Hardhat local (testnet)", "ETH", true),
    chain(1337, "Geth/Ganache local (testnet)", "ETH", true),
];

/// The chain with id `id`, if known.
pub fn by_id(id: u64) -> Option<&'static Chain> {
    CHAINS.iter().find(|c| c.id == id)
}

/// "Ethereum Mainnet (1)" or "unknown chain 12345".
pub fn describe(id: u64) -> String {
    match by_id(id) {
        Some(c) => format!("{} ({})", c.name, c.id),
        None => format!("unknown chain {id}"),
    }
}

/// The native coin symbol of chain `id` ("ETH" when unknown).
pub fn symbol(id: u64) -> &'static str {
    by_id(id).map_or("ETH", |c| c.symbol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<u64> = CHAINS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHAINS.len());
    }

    #[test]
    fn names_known_and_unknown_chains() {
        assert_eq!(describe(1), "Ethereum Mainnet (1)");
        assert_eq!(describe(424242), "unknown chain 424242");
        assert_eq!(symbol(137), "POL");
    }
}
