// `mtm datasets`: import, list, show, export, rename and delete datasets.
#pragma once

#include "CliCommand.h"

namespace mtm::cli {

class DatasetsCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("datasets"); }
    QString summary() const override
    {
        return QStringLiteral("Import, list, show, export, rename and delete datasets");
    }
    int run(const QStringList &arguments, CliStreams streams) override;

private:
    int importFile(const QStringList &arguments, CliStreams streams);
    int list(const QStringList &arguments, CliStreams streams);
    int show(const QStringList &arguments, CliStreams streams);
    int exportRecords(const QStringList &arguments, CliStreams streams);
    int rename(const QStringList &arguments, CliStreams streams);
    int remove(const QStringList &arguments, CliStreams streams);
};

} // namespace mtm::cli
