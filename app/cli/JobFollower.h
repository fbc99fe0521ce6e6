// Runs jobs of the core's queue in the foreground of `mtm` and follows them: their messages, a progress bar on a
// terminal (a line every few steps elsewhere), and how each ended. Ctrl+C stops them within a step; they end
// interrupted, and `mtm jobs resume ID` continues them from their last checkpoint.
#pragma once

#include "CliContext.h"

#include <optional>

namespace mtm::cli {

// Runs the job `only` (when another process runs it, follows it there), or every queued job until none is left.
// Returns the exit code: Success when every job completed, Cancelled after Ctrl+C or a cancel, Failure otherwise.
int followJobs(CliContext &context, std::optional<qint64> only, qint64 logEvery);

} // namespace mtm::cli
