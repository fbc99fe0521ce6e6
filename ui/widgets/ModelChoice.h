// A list of models to choose from that ends with the ways to choose another ("Choose a model folder…", "A model in
// Ollama…"): what was chosen is selected, and first added before those when the list does not have it yet, named
// for people — a folder by its name, "ollama:<name>" as "<name> (Ollama)".
#pragma once

#include <QString>

class QComboBox;

namespace mtm::ui {

// choosers: how many items at the end of the list are ways to choose.
void selectModel(QComboBox *list, const QString &model, int choosers);

} // namespace mtm::ui
