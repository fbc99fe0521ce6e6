// The Deployment page: trained models, and the ways to ship them (archive, GGUF, Ollama, LM Studio, code).
#pragma once

#include "pages/Page.h"

class QListView;
class QTabWidget;

namespace mtm::core {
class AppCore;
class JobCatalog;
} // namespace mtm::core

namespace mtm::ui {

class DeploymentPage : public Page
{
    Q_OBJECT
public:
    explicit DeploymentPage(core::AppCore &core, QWidget *parent = nullptr);

    void refresh() override;

private:
    const core::JobCatalog &m_jobs;
    QListView *m_models;
    QTabWidget *m_targets;
};

} // namespace mtm::ui
