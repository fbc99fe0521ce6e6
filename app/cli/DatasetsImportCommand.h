// `mtm datasets import FILE`: checks every record of a CSV, JSON or JSONL file and imports it.
#pragma once

#include "ParsedCommand.h"

namespace mtm::cli {

class DatasetsImportCommand : public ParsedCommand
{
public:
    DatasetsImportCommand();

protected:
    int execute(const QCommandLineParser &parser, CliContext &context) override;

private:
    const QCommandLineOption m_name{
        QStringLiteral("name"), QStringLiteral("The dataset's name (default: the file name)."), QStringLiteral("NAME")};
    const QCommandLineOption m_schema{
        QStringLiteral("schema"),
        QStringLiteral("The record type: alpaca, prompt_completion, chat, text or documents."),
        QStringLiteral("SCHEMA")};
    const QCommandLineOption m_map{QStringLiteral("map"),
                                   QStringLiteral("Which field plays which part, e.g. --map prompt=question "
                                                  "(repeatable). Parts: instruction, input, output, system, prompt, "
                                                  "completion, messages, text, title, source."),
                                   QStringLiteral("PART=FIELD")};
    const QCommandLineOption m_skipInvalid{QStringLiteral("skip-invalid"),
                                           QStringLiteral("Import the valid records even when others have problems.")};
    const QCommandLineOption m_dropDuplicates{QStringLiteral("drop-duplicates"),
                                              QStringLiteral("Leave out records that repeat an earlier one.")};
    const QCommandLineOption m_maxChars{QStringLiteral("max-chars"),
                                        QStringLiteral("The longest text accepted in one field (default 1000000)."),
                                        QStringLiteral("N")};
    const QCommandLineOption m_json{QStringLiteral("json"),
                                    QStringLiteral("Print the dataset with its validation report as one JSON object "
                                                   "(the REST API's answer to POST /datasets/).")};
};

} // namespace mtm::cli
