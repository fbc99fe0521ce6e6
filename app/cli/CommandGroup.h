// A command made of commands: `mtm datasets import|list|...`, and the whole of `mtm` itself. It lists its
// commands in its usage and hands the rest of the command line to the one named.
#pragma once

#include "CliCommand.h"

#include <memory>
#include <vector>

namespace mtm::cli {

class CommandGroup : public CliCommand
{
public:
    // usage: what comes before the list of commands; footer: what comes after it.
    CommandGroup(QString name, QString summary, QString usage, QString footer = QString());

    void add(std::unique_ptr<CliCommand> command);
    CliCommand *find(const QString &name) const;

    // arguments[1] names the command to run; with none, or --help, prints the group's usage.
    int run(const QStringList &arguments, CliContext &context) override;
    bool computes() const override; // when one of its commands does

protected:
    void printUsage(QTextStream &stream) const;
    // Runs the command named by arguments[1] with the rest of them.
    int runCommand(const QStringList &arguments, CliContext &context);

private:
    QString m_usage;
    QString m_footer;
    std::vector<std::unique_ptr<CliCommand>> m_commands;
};

} // namespace mtm::cli
