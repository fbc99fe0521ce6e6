// A command with its own options and arguments, and the preamble every such command shares — --help, parsing,
// argument counts, numeric options — before the command itself runs.
#pragma once

#include "CliCommand.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <initializer_list>
#include <optional>
#include <vector>

namespace mtm::cli {

class ParsedCommand : public CliCommand
{
public:
    using CliCommand::CliCommand;

    int run(const QStringList &arguments, CliContext &context) override;
    QString synopsis() const override;

protected:
    void setDescription(const QString &description) { m_description = description; }
    void addOptions(const QList<QCommandLineOption> &options)
    {
        m_options.insert(m_options.end(), options.begin(), options.end());
    }
    void addPositional(const QString &name, const QString &description, const QString &syntax = QString());
    void setArgumentCount(int minimum, int maximum);

    // Runs the command once its command line has been parsed and checked.
    virtual int execute(const QCommandLineParser &parser, CliContext &context) = 0;

    // The option's value as a number in [minimum, maximum]; on failure says why and returns nothing.
    std::optional<double> numberOption(const QCommandLineParser &parser, const QCommandLineOption &option,
                                       double minimum, double maximum, CliContext &context) const;
    // The positional argument at index as a job id (a whole number above 0); on failure says why and returns nothing.
    std::optional<qint64> jobId(const QCommandLineParser &parser, int index, CliContext &context) const;
    // The same for an option (--job ID), which must be given.
    std::optional<qint64> jobId(const QCommandLineParser &parser, const QCommandLineOption &option,
                                CliContext &context) const;
    // "mtm datasets import: " + message, on standard error; returns UsageError.
    int usageError(const QString &message, CliContext &context) const;

private:
    struct Positional
    {
        QString name, description, syntax;
    };

    QString m_description;
    QString m_typed; // the command as typed, for messages
    std::vector<QCommandLineOption> m_options;
    std::vector<Positional> m_positionals;
    int m_minimumArguments = 0;
    int m_maximumArguments = 0;
};

} // namespace mtm::cli
