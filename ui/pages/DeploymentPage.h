// The Deployment page: trained models, and the ways to ship them (archive, GGUF, Ollama, LM Studio, code).
#pragma once

#include "pages/Page.h"

class QListView;
class QTabWidget;

namespace mtm::core {
class Store;
}

namespace mtm::ui {

class DeploymentPage : public Page
{
    Q_OBJECT
public:
    explicit DeploymentPage(core::Store &store, QWidget *parent = nullptr);

    void refresh() override;

private:
    core::Store &m_store;
    QListView *m_models;
    QTabWidget *m_targets;
};

} // namespace mtm::ui
