#include "engine/tokenizer/BpeModel.h"

#include "engine/EngineError.h"
#include "engine/tokenizer/Unicode.h"

#include <algorithm>
#include <cstdio>
#include <queue>

namespace mtm::engine {
namespace {

std::uint64_t pairKey(std::int32_t left, std::int32_t right)
{
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
}

constexpr std::size_t kCacheLimit = 200000;

// A symbol of the word being merged: a span of it, or (rank mode) a token id, in a doubly linked list.
struct Symbol
{
    std::int32_t id = -1;
    std::size_t begin = 0, end = 0;
    int previous = -1, next = -1;
    bool alive = true;
};

// Appends a symbol linked to its neighbours in the list.
void appendSymbol(std::vector<Symbol> &symbols, Symbol symbol)
{
    symbol.previous = static_cast<int>(symbols.size()) - 1;
    symbol.next = static_cast<int>(symbols.size()) + 1;
    symbols.push_back(symbol);
}

// Absorbs the symbol after `left` into it (the caller updates what the merged symbol is).
void absorbNext(std::vector<Symbol> &symbols, int left)
{
    Symbol &right = symbols[static_cast<std::size_t>(symbols[left].next)];
    right.alive = false;
    symbols[left].next = right.next;
    if (right.next >= 0)
        symbols[right.next].previous = left;
}

} // namespace

BpeModel::BpeModel(std::vector<std::string> tokens, std::vector<std::pair<std::string, std::string>> merges,
                   std::vector<float> scores, bool byteFallback, std::optional<std::int32_t> unknownId,
                   bool ignoreMerges)
    : m_tokens(std::move(tokens))
    , m_scores(std::move(scores))
    , m_byteFallback(byteFallback)
    , m_unknownId(unknownId)
    , m_ignoreMerges(ignoreMerges)
{
    m_ids.reserve(m_tokens.size());
    for (std::size_t i = 0; i < m_tokens.size(); ++i)
        m_ids.emplace(m_tokens[i], static_cast<std::int32_t>(i)); // a repeated spelling keeps its first id
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        const auto found = m_ids.find(name);
        m_byteTokens[b] = found == m_ids.end() ? -1 : found->second;
    }
    if (m_byteFallback) {
        for (int b = 0; b < 256; ++b) {
            if (m_byteTokens[b] < 0) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", b);
                throw EngineError(std::string("the vocabulary uses byte fallback but has no token ") + name);
            }
        }
    }
    if (!m_scores.empty() && m_scores.size() != m_tokens.size())
        throw EngineError("the vocabulary has " + std::to_string(m_tokens.size()) + " tokens but " +
                          std::to_string(m_scores.size()) + " scores");
    std::int32_t rank = 0;
    for (const auto &[left, right] : merges) {
        const auto a = m_ids.find(left), b = m_ids.find(right), merged = m_ids.find(left + right);
        if (a == m_ids.end() || b == m_ids.end() || merged == m_ids.end())
            throw EngineError("the merge '" + left + " " + right + "' uses a token that is not in the vocabulary");
        m_merges.emplace(pairKey(a->second, b->second), std::make_pair(rank++, merged->second));
    }
}

std::vector<std::string> BpeModel::merges() const
{
    std::vector<std::pair<std::int32_t, std::uint64_t>> byRank; // a repeated merge kept its first rank only
    byRank.reserve(m_merges.size());
    for (const auto &[key, rankAndId] : m_merges)
        byRank.emplace_back(rankAndId.first, key);
    std::sort(byRank.begin(), byRank.end());
    std::vector<std::string> ordered;
    ordered.reserve(byRank.size());
    for (const auto &[rank, key] : byRank)
        ordered.push_back(token(std::int32_t(key >> 32)) + " " + token(std::int32_t(key & 0xFFFFFFFFu)));
    return ordered;
}

std::optional<std::int32_t> BpeModel::id(std::string_view token) const
{
    const auto found = m_ids.find(std::string(token));
    if (found == m_ids.end())
        return std::nullopt;
    return found->second;
}

int BpeModel::fallbackByte(std::int32_t id) const
{
    const std::string &spelling = token(id);
    if (spelling.size() != 6 || spelling.compare(0, 3, "<0x") != 0 || spelling[5] != '>')
        return -1;
    unsigned value = 0;
    return std::sscanf(spelling.c_str() + 3, "%2X", &value) == 1 && m_byteTokens[value] == id ? int(value) : -1;
}

void BpeModel::appendCharacter(std::string_view character, std::vector<std::int32_t> &out) const
{
    if (const auto found = m_ids.find(std::string(character)); found != m_ids.end()) {
        out.push_back(found->second);
    } else if (m_byteFallback) {
        for (const char c : character)
            out.push_back(m_byteTokens[static_cast<unsigned char>(c)]);
    } else if (m_unknownId) {
        out.push_back(*m_unknownId);
    } else {
        throw EngineError("The character '" + std::string(character) +
                          "' has no token and the vocabulary has no "
                          "byte fallback or unknown token");
    }
}

void BpeModel::encode(std::string_view word, std::vector<std::int32_t> &out) const
{
    if (word.empty())
        return;
    if (m_ignoreMerges) {
        if (const auto whole = m_ids.find(std::string(word)); whole != m_ids.end()) {
            out.push_back(whole->second);
            return;
        }
    }
    const std::string key(word);
    {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (const auto cached = m_cache.find(key); cached != m_cache.end()) {
            out.insert(out.end(), cached->second.begin(), cached->second.end());
            return;
        }
    }
    std::vector<std::int32_t> ids;
    if (m_scores.empty())
        encodeByRank(word, ids);
    else
        encodeByScore(word, ids);
    out.insert(out.end(), ids.begin(), ids.end());
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (m_cache.size() >= kCacheLimit)
        m_cache.clear();
    m_cache.emplace(key, std::move(ids));
}

void BpeModel::encodeByRank(std::string_view word, std::vector<std::int32_t> &out) const
{
    // Start from characters (or their fallback bytes), then merge the lowest-ranked pair, leftmost first.
    std::vector<Symbol> symbols;
    std::vector<std::int32_t> ids;
    for (std::size_t position = 0; position < word.size();) {
        const std::size_t start = position;
        unicode::decodeUtf8(word, position);
        ids.clear();
        appendCharacter(word.substr(start, position - start), ids);
        for (const std::int32_t id : ids) {
            Symbol symbol;
            symbol.id = id;
            appendSymbol(symbols, symbol);
        }
    }
    if (symbols.empty())
        return;
    symbols.back().next = -1;

    struct Candidate
    {
        std::int32_t rank;
        int left;
        std::int32_t leftId, rightId, merged;
        bool operator<(const Candidate &other) const // the queue's top is the lowest rank, then leftmost
        {
            return rank != other.rank ? rank > other.rank : left > other.left;
        }
    };
    std::priority_queue<Candidate> queue;
    auto consider = [&](int left) {
        if (left < 0 || symbols[left].next < 0)
            return;
        const int right = symbols[left].next;
        const auto found = m_merges.find(pairKey(symbols[left].id, symbols[right].id));
        if (found != m_merges.end())
            queue.push({found->second.first, left, symbols[left].id, symbols[right].id, found->second.second});
    };
    for (int i = 0; i < static_cast<int>(symbols.size()); ++i)
        consider(i);
    while (!queue.empty()) {
        const Candidate candidate = queue.top();
        queue.pop();
        Symbol &left = symbols[candidate.left];
        if (!left.alive || left.id != candidate.leftId || left.next < 0 || symbols[left.next].id != candidate.rightId)
            continue; // stale: one side has been merged since
        left.id = candidate.merged;
        absorbNext(symbols, candidate.left);
        consider(left.previous);
        consider(candidate.left);
    }
    for (int i = 0; i >= 0; i = symbols[i].next)
        out.push_back(symbols[i].id);
}

void BpeModel::encodeByScore(std::string_view word, std::vector<std::int32_t> &out) const
{
    // SentencePiece: symbols are characters; repeatedly merge the adjacent pair whose concatenation is the
    // vocabulary token with the highest score (leftmost on ties). What stays unknown falls back to bytes.
    std::vector<Symbol> symbols;
    for (std::size_t position = 0; position < word.size();) {
        Symbol symbol;
        symbol.begin = position;
        unicode::decodeUtf8(word, position);
        symbol.end = position;
        appendSymbol(symbols, symbol);
    }
    if (symbols.empty())
        return;
    symbols.back().next = -1;

    struct Candidate
    {
        float score;
        int left;
        std::size_t length;
        bool operator<(const Candidate &other) const
        {
            return score != other.score ? score < other.score : left > other.left;
        }
    };
    std::priority_queue<Candidate> queue;
    auto consider = [&](int left) {
        if (left < 0 || symbols[left].next < 0)
            return;
        const Symbol &right = symbols[symbols[left].next];
        const auto found = m_ids.find(std::string(word.substr(symbols[left].begin, right.end - symbols[left].begin)));
        if (found != m_ids.end())
            queue.push({m_scores[static_cast<std::size_t>(found->second)], left, right.end - symbols[left].begin});
    };
    for (int i = 0; i < static_cast<int>(symbols.size()); ++i)
        consider(i);
    while (!queue.empty()) {
        const Candidate candidate = queue.top();
        queue.pop();
        Symbol &left = symbols[candidate.left];
        if (!left.alive || left.next < 0 || symbols[left.next].end - left.begin != candidate.length)
            continue; // stale
        left.end = symbols[left.next].end;
        absorbNext(symbols, candidate.left);
        consider(left.previous);
        consider(candidate.left);
    }
    for (int i = 0; i >= 0; i = symbols[i].next)
        appendCharacter(word.substr(symbols[i].begin, symbols[i].end - symbols[i].begin), out);
}

} // namespace mtm::engine
