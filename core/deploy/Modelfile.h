// A Modelfile read as Ollama reads it: one instruction per line (FROM, ADAPTER, TEMPLATE, SYSTEM, PARAMETER,
// MESSAGE, LICENSE; case-insensitive, any order), `#` comments, values bare to the end of the line, in "…" or in
// """…""" over several lines. What the person wrote becomes the fields of Ollama's /api/create: the text a
// person edits in the Deployment page, or gives `mtm deploy ollama --modelfile`, is what is created.
#pragma once

#include <QJsonObject>
#include <QString>

namespace mtm::core {

struct ParsedModelfile
{
    QString from; // FROM as written: a file path or the name of a model Ollama has
    int fromLine = 0;
    QString adapter; // ADAPTER as written; empty: none
    int adapterLine = 0;
    // template, system, license, messages and parameters as /api/create takes them; parameters typed as Ollama
    // types them (stop a list of strings, num_ctx an integer, temperature a number, ...).
    QJsonObject createFields;
};

// The error for what is wrong on a line of a Modelfile: "Modelfile, line 7: …" (InvalidInput).
class Error;
Error modelfileError(int line, const QString &what);

// Throws Error (InvalidInput) saying on which line what is wrong: an unknown instruction or parameter, a value
// of the wrong type, a quote left open, a MESSAGE role other than system, user or assistant, no FROM, more
// than one FROM or ADAPTER, and the instructions this app does not deploy (DRAFT, RENDERER, PARSER, REQUIRES).
ParsedModelfile parseModelfile(const QString &text);

// A Modelfile's text from a file (UTF-8), at most 1 MiB: a larger file is no Modelfile a person wrote (the
// weights chosen by mistake?). Throws Error: NotFound when it cannot be read, InvalidInput when it is too large.
QString readModelfile(const QString &path);

} // namespace mtm::core
