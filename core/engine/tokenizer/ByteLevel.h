// GPT-2's byte-level alphabet: every byte is shown as a printable character, so that byte-level BPE works on
// text and every byte sequence has a spelling.
#pragma once

#include <string>
#include <string_view>

namespace mtm::engine::bytelevel {

// The bytes of text spelled in the byte-level alphabet (UTF-8).
std::string encode(std::string_view bytes);
// The bytes a byte-level spelling stands for; characters outside the alphabet are kept as they are.
std::string decode(std::string_view spelled);

} // namespace mtm::engine::bytelevel
