// `mtm info`: versions, compute devices, data directory and database, as text or JSON.
#pragma once

#include "CliCommand.h"

namespace mtm::cli {

class InfoCommand : public CliCommand
{
public:
    QString name() const override { return QStringLiteral("info"); }
    QString summary() const override { return QStringLiteral("Show versions, compute devices and where data is kept"); }
    int run(const QStringList &arguments, CliStreams streams) override;
};

} // namespace mtm::cli
