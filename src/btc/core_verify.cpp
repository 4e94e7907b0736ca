// coldsign's bridge to Bitcoin Core's script interpreter (the sources the `bitcoinconsensus`
// crate vendors and builds). libbitcoinconsensus's C API takes the whole serialized
// transaction for every input it checks, so it parses the transaction and hashes its
// prevouts, sequences, outputs and spent outputs again each time: N inputs cost O(N^2).
// Here the transaction is parsed and its PrecomputedTransactionData built once; each input is
// then one VerifyScript call with a TransactionSignatureChecker over that shared data.
//
// The results and error codes are those of bitcoinconsensus_verify_script_with_spent_outputs
// (same checks, in the same order); the Rust side (src/btc/core_verify.rs) maps them to the
// crate's `Error`. Nothing here throws across the C boundary.

#include <script/bitcoinconsensus.h>

#include <primitives/transaction.h>
#include <script/interpreter.h>
#include <serialize.h>
#include <version.h>

#include <cstddef>
#include <cstring>
#include <ios>
#include <memory>
#include <utility>
#include <vector>

namespace {

// Reads a transaction out of a caller-owned byte buffer (the stream interface Core's
// Unserialize functions expect).
class ByteReader
{
public:
    ByteReader(const unsigned char* bytes, size_t len) : m_next(bytes), m_left(len) {}

    void read(Span<std::byte> into)
    {
        if (into.size() > m_left) {
            throw std::ios_base::failure("coldsign: the transaction ends early");
        }
        if (into.size() == 0) return;
        std::memcpy(into.data(), m_next, into.size());
        m_next += into.size();
        m_left -= into.size();
    }

    template <typename T>
    ByteReader& operator>>(T&& value)
    {
        ::Unserialize(*this, value);
        return *this;
    }

    int GetVersion() const { return PROTOCOL_VERSION; }

private:
    const unsigned char* m_next;
    size_t m_left;
};

std::vector<CTxOut> spent_outputs(const UTXO* spent, size_t count)
{
    std::vector<CTxOut> outputs;
    outputs.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const unsigned char* script = spent[i].scriptPubKey;
        outputs.emplace_back(spent[i].value, CScript(script, script + spent[i].scriptPubKeySize));
    }
    return outputs;
}

} // namespace

// One parsed transaction, its spent outputs and its precomputed sighash data. Read-only once
// built, so several threads may verify its inputs at once.
struct coldsign_core_checker {
    coldsign_core_checker(CTransaction&& parsed, size_t serialized_len) :
        tx(std::move(parsed)),
        size_matches(GetSerializeSize(tx, PROTOCOL_VERSION) == serialized_len) {}

    const CTransaction tx;
    // Whether re-serializing gives the length we were given (libbitcoinconsensus's check).
    const bool size_matches;
    PrecomputedTransactionData txdata;
};

extern "C" {

// Parses `tx` (`tx_len` bytes) and precomputes its sighash data with the `spent_len` outputs
// it spends. On success stores a new checker in *out (free it with
// coldsign_core_checker_free) and returns bitcoinconsensus_ERR_OK; otherwise returns
// bitcoinconsensus_ERR_TX_DESERIALIZE or bitcoinconsensus_ERR_SPENT_OUTPUTS_MISMATCH.
int coldsign_core_checker_new(const unsigned char* tx, size_t tx_len, const UTXO* spent,
                              size_t spent_len, coldsign_core_checker** out)
{
    *out = nullptr;
    try {
        ByteReader reader(tx, tx_len);
        auto checker = std::make_unique<coldsign_core_checker>(CTransaction(deserialize, reader), tx_len);
        if (spent_len != checker->tx.vin.size()) {
            return bitcoinconsensus_ERR_SPENT_OUTPUTS_MISMATCH;
        }
        checker->txdata.Init(checker->tx, spent_outputs(spent, spent_len));
        *out = checker.release();
        return bitcoinconsensus_ERR_OK;
    } catch (...) {
        return bitcoinconsensus_ERR_TX_DESERIALIZE;
    }
}

// Verifies input `index` against its spent output with the script `flags`. Returns 1 when it
// is valid; otherwise 0 with *error set: bitcoinconsensus_ERR_OK when the script fails, or the
// reason it could not be checked.
int coldsign_core_checker_verify(const coldsign_core_checker* checker, size_t index,
                                 unsigned int flags, int* error)
{
    *error = bitcoinconsensus_ERR_OK;
    if ((flags & ~static_cast<unsigned int>(bitcoinconsensus_SCRIPT_FLAGS_VERIFY_ALL)) != 0) {
        *error = bitcoinconsensus_ERR_INVALID_FLAGS;
        return 0;
    }
    const CTransaction& tx = checker->tx;
    if (index >= tx.vin.size()) {
        *error = bitcoinconsensus_ERR_TX_INDEX;
        return 0;
    }
    if (!checker->size_matches) {
        *error = bitcoinconsensus_ERR_TX_SIZE_MISMATCH;
        return 0;
    }
    try {
        const CTxIn& input = tx.vin[index];
        const CTxOut& spent = checker->txdata.m_spent_outputs[index];
        const TransactionSignatureChecker signatures(&tx, static_cast<unsigned int>(index),
                                                     spent.nValue, checker->txdata,
                                                     MissingDataBehavior::FAIL);
        return VerifyScript(input.scriptSig, spent.scriptPubKey, &input.scriptWitness, flags,
                            signatures, nullptr)
                   ? 1
                   : 0;
    } catch (...) {
        *error = bitcoinconsensus_ERR_TX_DESERIALIZE;
        return 0;
    }
}

// Frees a checker made by coldsign_core_checker_new (null is allowed).
void coldsign_core_checker_free(coldsign_core_checker* checker)
{
    delete checker;
}

} // extern "C"
