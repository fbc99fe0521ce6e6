// Tells which Unicode encoding a file uses (byte order marks, NUL patterns) and converts UTF-16 to UTF-8.
#pragma once

#include "Progress.h"
#include "data/ByteStream.h"

#include <QString>

#include <functional>
#include <string>
#include <string_view>

namespace mtm::core {

enum class TextEncoding { Utf8, Utf8WithBom, Utf16LE, Utf16BE, Utf32LE, Utf32BE, Binary };

// head: the first bytes of the file (a few kilobytes are plenty).
TextEncoding detectTextEncoding(std::string_view head);
std::string encodingName(TextEncoding encoding);

// Writes the UTF-16 file `from` as UTF-8 to `to` (without a byte order mark; line breaks unchanged). Every
// chunk of the original is shown to observer. progress(done, total) returns false to cancel. Throws
// core::Error on an invalid code unit (with its byte offset) and an Error of kind Cancelled when cancelled.
void convertUtf16ToUtf8(const QString &from, const QString &to, TextEncoding encoding,
                        const ByteStream::ChunkObserver &observer, const Progress &progress);

} // namespace mtm::core
