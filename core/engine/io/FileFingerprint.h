// A short fingerprint of a file's bytes (64-bit FNV-1a and the size), to notice that a file changed — not a
// cryptographic hash.
#pragma once

#include <string>

namespace mtm::engine {

// "fnv1a64:<16 hex digits>:<size>"; throws EngineError when the file cannot be read.
std::string fileFingerprint(const std::string &path);

} // namespace mtm::engine
