#include "EngineCall.h"

#include "engine/EngineError.h"
#include "engine/io/UntrustedJson.h"

#include <QCoreApplication>

#include <c10/util/Exception.h>

#include <filesystem>
#include <new>

namespace mtm::core {
namespace {

Error::Kind kindOf(engine::EngineError::Kind kind)
{
    switch (kind) {
    case engine::EngineError::Kind::Io:
        return Error::Kind::Io;
    case engine::EngineError::Kind::Cancelled:
        return Error::Kind::Cancelled;
    case engine::EngineError::Kind::InvalidInput:
        break;
    }
    return Error::Kind::InvalidInput;
}

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(EngineCall)
};

} // namespace

void rethrowAsCoreError()
{
    try {
        throw;
    } catch (const Error &) {
        throw;
    } catch (const engine::EngineError &error) {
        throw Error(kindOf(error.kind()), QString::fromStdString(error.what()));
    } catch (const c10::OutOfMemoryError &) {
        throw Error(Error::Kind::Internal,
                    Text::tr("The GPU ran out of memory. Choose a smaller batch size or sequence "
                             "length, QLoRA instead of LoRA, or turn on gradient checkpointing."));
    } catch (const c10::Error &error) {
        throw Error(
            Error::Kind::Internal,
            Text::tr("LibTorch stopped with an error: %1").arg(QString::fromStdString(error.what_without_backtrace())));
    } catch (const std::filesystem::filesystem_error &error) {
        throw Error(Error::Kind::Io, Text::tr("A file operation failed: %1").arg(QString::fromLocal8Bit(error.what())));
    } catch (const std::bad_alloc &) {
        throw Error(Error::Kind::Internal,
                    Text::tr("There was not enough memory. Close other programs, or choose a smaller "
                             "model, batch size or sequence length."));
    } catch (const nlohmann::json::exception &error) {
        throw Error(Error::Kind::InvalidInput, Text::tr("A file holds a value of another kind than expected: %1")
                                                   .arg(QString::fromStdString(engine::jsonErrorText(error.what()))));
    } catch (const std::exception &error) {
        throw Error(Error::Kind::Internal, QString::fromLocal8Bit(error.what()));
    }
}

} // namespace mtm::core
