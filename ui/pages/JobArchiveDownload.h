// Download…, as the Training Jobs and the Deployment pages offer it: a completed job's model saved as
// model_job_<id>.tar.gz where the person chooses, written behind the page's progress dialog; the status bar says
// where it went, a message why it could not.
#pragma once

namespace mtm::core {
struct JobInfo;
} // namespace mtm::core

namespace mtm::ui {

class Page;
class PageTask;

void downloadJobArchive(Page *page, PageTask &task, core::JobInfo job);

} // namespace mtm::ui
