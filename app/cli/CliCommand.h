// One command of `mtm`, as the command line sees it: a name, a one-line summary, and a way to run it.
#pragma once

#include "CliContext.h"

#include <QString>
#include <QStringList>

namespace mtm::cli {

class CliCommand
{
public:
    CliCommand(QString name, QString summary)
        : m_name(std::move(name))
        , m_summary(std::move(summary))
    {}
    virtual ~CliCommand() = default;

    const QString &name() const { return m_name; }
    const QString &summary() const { return m_summary; }
    // How the command is written in a list of commands: "export DATASET FILE".
    virtual QString synopsis() const { return m_name; }
    // Whether the command computes with the engine (the process then starts once more with a short OpenMP spin).
    virtual bool computes() const { return false; }

    // arguments[0] is the command as typed ("mtm datasets import"), as QCommandLineParser expects; returns an
    // ExitCode. Throws core::Error when the command fails.
    virtual int run(const QStringList &arguments, CliContext &context) = 0;

private:
    QString m_name;
    QString m_summary;
};

} // namespace mtm::cli
