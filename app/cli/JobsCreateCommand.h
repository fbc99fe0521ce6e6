// `mtm jobs create [JOB.json] [--set FIELD=VALUE]... [--wait]`: queues a training job described with the
// REST API's fields, from a file, from --set, or both (--set wins).
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class JobsCreateCommand : public ParsedCommand
{
public:
    JobsCreateCommand();
    bool computes() const override { return true; }

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_set{QStringLiteral("set"),
                                   QStringLiteral("A field of the job, e.g. --set dataset=faq --set epochs=3 "
                                                  "(repeatable; a number, true/false or a JSON list is read as such)."),
                                   QStringLiteral("FIELD=VALUE")};
    const QCommandLineOption m_wait{QStringLiteral("wait"),
                                    QStringLiteral("Run the job here and follow it until it ends (Ctrl+C stops it).")};
    const QCommandLineOption m_logEvery{QStringLiteral("log-every"),
                                        QStringLiteral("With --wait, a line every N steps (10)."), QStringLiteral("N"),
                                        QStringLiteral("10")};
    const QCommandLineOption m_json{QStringLiteral("json"), QStringLiteral("Print JSON.")};
};

} // namespace mtm::cli
