// The one boundary where the engine's failures become core errors: each kind of failure arrives as a core::Error
// of the right kind with a message for people, never a library's raw text.
#include "EngineCall.h"
#include "engine/EngineError.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <new>

using namespace mtm;

class TestEngineCall : public QObject
{
    Q_OBJECT

private:
    template <typename Work> static core::Error errorOf(Work &&work)
    {
        try {
            core::callEngine(std::forward<Work>(work));
        } catch (const core::Error &error) {
            return error;
        }
        return core::Error(core::Error::Kind::Internal, QStringLiteral("nothing was thrown"));
    }

private slots:
    void engineErrorsKeepTheirKindAndMessage()
    {
        const core::Error error =
            errorOf([] { throw engine::EngineError("x.json: no vocab", engine::EngineError::Kind::Io); });
        QCOMPARE(error.kind(), core::Error::Kind::Io);
        QCOMPARE(error.message(), QStringLiteral("x.json: no vocab"));
    }

    void theJsonLibrarysCodesDoNotReachPeople()
    {
        const core::Error error = errorOf([] { return nlohmann::json(5).get<std::string>(); });
        QCOMPARE(error.kind(), core::Error::Kind::InvalidInput);
        QVERIFY2(!error.message().contains(QStringLiteral("[json.exception")), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("type must be string, but is number")),
                 qPrintable(error.message()));
    }

    void runningOutOfMemorySaysWhatToDo()
    {
        const core::Error error = errorOf([] { throw std::bad_alloc(); });
        QVERIFY(error.message().contains(QStringLiteral("not enough memory")));
    }
};

QTEST_GUILESS_MAIN(TestEngineCall)
#include "tst_engine_call.moc"
