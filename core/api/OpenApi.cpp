#include "api/OpenApi.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace mtm::core {
namespace {

QJsonObject ref(const char *schema)
{
    return QJsonObject{{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/") + QLatin1String(schema)}};
}

QJsonObject answer(const char *description, const QJsonObject &schema = {}, const char *type = "application/json")
{
    QJsonObject response{{QStringLiteral("description"), QLatin1String(description)}};
    if (!schema.isEmpty())
        response.insert(QStringLiteral("content"),
                        QJsonObject{{QLatin1String(type), QJsonObject{{QStringLiteral("schema"), schema}}}});
    return response;
}

QJsonObject operation(const char *summary, const QJsonObject &responses, const QJsonObject &body = {})
{
    QJsonObject op{{QStringLiteral("summary"), QLatin1String(summary)}, {QStringLiteral("responses"), responses}};
    if (!body.isEmpty())
        op.insert(QStringLiteral("requestBody"), body);
    return op;
}

QJsonObject withId(QJsonObject path, const char *what)
{
    path.insert(QStringLiteral("parameters"),
                QJsonArray{QJsonObject{
                    {QStringLiteral("name"), QStringLiteral("id")},
                    {QStringLiteral("in"), QStringLiteral("path")},
                    {QStringLiteral("required"), true},
                    {QStringLiteral("description"), QLatin1String(what)},
                    {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")},
                                                           {QStringLiteral("minimum"), 1}}}}});
    return path;
}

QJsonObject object(const QJsonObject &properties)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}};
}

QJsonObject typed(const char *type, const char *description = nullptr)
{
    QJsonObject schema{{QStringLiteral("type"), QLatin1String(type)}};
    if (description)
        schema.insert(QStringLiteral("description"), QLatin1String(description));
    return schema;
}

QJsonObject nullable(const char *type)
{
    QJsonObject schema = typed(type);
    schema.insert(QStringLiteral("nullable"), true);
    return schema;
}

} // namespace

QJsonObject openApiDocument()
{
    const QJsonObject error = answer("What is wrong, in words (no paths of the computer).", ref("Error"));
    const QJsonObject invalid = answer("Fields that are wrong, each named.", ref("Problems"));
    const QJsonObject notFound = answer("No such job or dataset.", ref("Error"));
    const QJsonObject badId = answer("The id is not a whole number from 1.", ref("Error"));
    const QJsonObject conflict = answer("Not in the job's present state (it says which).", ref("Error"));
    const QJsonObject job = answer("The job.", ref("Job"));
    const QJsonObject jsonBody{
        {QStringLiteral("required"), true},
        {QStringLiteral("content"), QJsonObject{{QStringLiteral("application/json"),
                                                 QJsonObject{{QStringLiteral("schema"), ref("JobRequest")}}}}}};
    const QJsonObject uploadBody{
        {QStringLiteral("required"), true},
        {QStringLiteral("description"),
         QStringLiteral("A CSV, JSON or JSONL file: as the form field \"file\" of multipart/form-data, or as the raw "
                        "body with its name in ?filename= or X-Filename. ?name= names the dataset; "
                        "?drop_duplicates=true leaves repeated records out.")},
        {QStringLiteral("content"),
         QJsonObject{
             {QStringLiteral("multipart/form-data"),
              QJsonObject{{QStringLiteral("schema"),
                           object(QJsonObject{{QStringLiteral("file"),
                                               QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                           {QStringLiteral("format"), QStringLiteral("binary")}}}})}}},
             {QStringLiteral("application/octet-stream"),
              QJsonObject{
                  {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                         {QStringLiteral("format"), QStringLiteral("binary")}}}}}}}};

    QJsonObject paths;
    paths.insert(
        QStringLiteral("/api/v1/health"),
        QJsonObject{{QStringLiteral("get"), operation("Whether the API answers, and the app's version.",
                                                      QJsonObject{{QStringLiteral("200"), answer("It answers.")}})}});
    paths.insert(
        QStringLiteral("/api/v1/openapi.json"),
        QJsonObject{{QStringLiteral("get"),
                     operation("This description.", QJsonObject{{QStringLiteral("200"), answer("OpenAPI 3.0.")}})}});
    paths.insert(
        QStringLiteral("/api/v1/jobs/"),
        QJsonObject{
            {QStringLiteral("get"),
             operation("The jobs, newest first.",
                       QJsonObject{{QStringLiteral("200"),
                                    answer("The jobs.", QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                                    {QStringLiteral("items"), ref("Job")}})}})},
            {QStringLiteral("post"),
             operation(
                 "Queues a training job. Fields left out take the method's defaults (training_type qlora, "
                 "model_name the built-in starter model, batch_size 4, learning_rate 0.0002).",
                 QJsonObject{{QStringLiteral("201"), job},
                             {QStringLiteral("400"), answer("The body is not JSON (where it breaks).", ref("Error"))},
                             {QStringLiteral("413"), answer("The body is over 64 KiB.", ref("Error"))},
                             {QStringLiteral("415"), answer("The body is not sent as JSON.", ref("Error"))},
                             {QStringLiteral("422"), invalid}},
                 jsonBody)}});
    paths.insert(QStringLiteral("/api/v1/jobs/{id}"),
                 withId(QJsonObject{{QStringLiteral("get"),
                                     operation("The job.", QJsonObject{{QStringLiteral("200"), job},
                                                                       {QStringLiteral("400"), badId},
                                                                       {QStringLiteral("404"), notFound}})},
                                    {QStringLiteral("delete"),
                                     operation("Deletes a job that is not running, with its files.",
                                               QJsonObject{{QStringLiteral("200"), answer("{\"deleted\": id}")},
                                                           {QStringLiteral("404"), notFound},
                                                           {QStringLiteral("409"), conflict}})}},
                        "The job's id."));
    paths.insert(
        QStringLiteral("/api/v1/jobs/{id}/status"),
        withId(QJsonObject{{QStringLiteral("get"),
                            operation("Where the job stands.",
                                      QJsonObject{{QStringLiteral("200"), answer("Its status.", ref("Status"))},
                                                  {QStringLiteral("404"), notFound}})}},
               "The job's id."));
    paths.insert(QStringLiteral("/api/v1/jobs/{id}/metrics"),
                 withId(QJsonObject{{QStringLiteral("get"),
                                     operation("Each step's loss, learning rate, speed and memory, and the held-out "
                                               "losses.",
                                               QJsonObject{{QStringLiteral("200"), answer("{\"id\", \"metrics\": "
                                                                                          "[...]}")},
                                                           {QStringLiteral("404"), notFound}})}},
                        "The job's id."));
    for (const char *action : {"cancel", "resume"})
        paths.insert(QStringLiteral("/api/v1/jobs/{id}/") + QLatin1String(action),
                     withId(QJsonObject{{QStringLiteral("post"),
                                         operation(qstrcmp(action, "cancel") == 0
                                                       ? "Cancels a queued or running job."
                                                       : "Queues an interrupted, failed or cancelled job again; it "
                                                         "continues from its last checkpoint.",
                                                   QJsonObject{{QStringLiteral("200"), job},
                                                               {QStringLiteral("404"), notFound},
                                                               {QStringLiteral("409"), conflict}})}},
                            "The job's id."));
    paths.insert(
        QStringLiteral("/api/v1/jobs/{id}/download"),
        withId(QJsonObject{{QStringLiteral("get"),
                            operation(
                                "The completed job's model as model_job_<id>.tar.gz (its output "
                                "folder), streamed.",
                                QJsonObject{{QStringLiteral("200"),
                                             answer("The archive.",
                                                    QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                                {QStringLiteral("format"), QStringLiteral("binary")}},
                                                    "application/gzip")},
                                            {QStringLiteral("404"), notFound},
                                            {QStringLiteral("409"), conflict}})}},
               "The job's id."));
    paths.insert(
        QStringLiteral("/api/v1/datasets/"),
        QJsonObject{
            {QStringLiteral("get"),
             operation(
                 "The datasets, newest first.",
                 QJsonObject{{QStringLiteral("200"),
                              answer("The datasets.", QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                                  {QStringLiteral("items"), ref("Dataset")}})}})},
            {QStringLiteral("post"),
             operation(
                 "Uploads a dataset: stored once every record was checked, with its validation report.",
                 QJsonObject{
                     {QStringLiteral("201"), answer("The dataset and its validation report.", ref("Dataset"))},
                     {QStringLiteral("413"), answer("The file is over the upload limit.", ref("Error"))},
                     {QStringLiteral("422"), answer("Nothing valid to store, or not a dataset file.", ref("Error"))}},
                 uploadBody)}});
    paths.insert(
        QStringLiteral("/api/v1/datasets/{id}"),
        withId(QJsonObject{{QStringLiteral("get"),
                            operation("The dataset and its validation report.",
                                      QJsonObject{{QStringLiteral("200"), answer("The dataset.", ref("Dataset"))},
                                                  {QStringLiteral("404"), notFound}})},
                           {QStringLiteral("delete"),
                            operation("Deletes a dataset no running job uses.",
                                      QJsonObject{{QStringLiteral("200"), answer("{\"deleted\": id}")},
                                                  {QStringLiteral("404"), notFound},
                                                  {QStringLiteral("409"), conflict}})}},
               "The dataset's id."));

    QJsonObject schemas;
    schemas.insert(QStringLiteral("Error"), object(QJsonObject{{QStringLiteral("error"), typed("string")}}));
    schemas.insert(
        QStringLiteral("Problems"),
        object(QJsonObject{{QStringLiteral("error"), typed("string")},
                           {QStringLiteral("problems"),
                            QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                        {QStringLiteral("items"),
                                         object(QJsonObject{{QStringLiteral("field"), typed("string")},
                                                            {QStringLiteral("message"), typed("string")}})}}}}));
    schemas.insert(
        QStringLiteral("JobRequest"),
        object(QJsonObject{
            {QStringLiteral("name"), typed("string")},
            {QStringLiteral("description"), typed("string")},
            {QStringLiteral("training_type"), typed("string", "qlora, unsloth, lora, standard or rag")},
            {QStringLiteral("model_name"), typed("string", "starter, a base model of the app, or a model folder")},
            {QStringLiteral("dataset_id"), typed("integer")},
            {QStringLiteral("dataset"), typed("string", "a dataset's name, instead of dataset_id")},
            {QStringLiteral("epochs"), typed("integer")},
            {QStringLiteral("batch_size"), typed("integer")},
            {QStringLiteral("learning_rate"), typed("number")}}));
    schemas.insert(QStringLiteral("Job"),
                   object(QJsonObject{{QStringLiteral("id"), typed("integer")},
                                      {QStringLiteral("name"), typed("string")},
                                      {QStringLiteral("training_type"), typed("string")},
                                      {QStringLiteral("state"), typed("string", "queued, running, completed, failed, "
                                                                                "cancelled or interrupted")},
                                      {QStringLiteral("progress"), typed("number", "0 to 1")},
                                      {QStringLiteral("step"), typed("integer")},
                                      {QStringLiteral("total_steps"), typed("integer")},
                                      {QStringLiteral("error"), nullable("string")}}));
    schemas.insert(QStringLiteral("Status"), object(QJsonObject{{QStringLiteral("id"), typed("integer")},
                                                                {QStringLiteral("state"), typed("string")},
                                                                {QStringLiteral("progress"), typed("number")},
                                                                {QStringLiteral("step"), typed("integer")},
                                                                {QStringLiteral("total_steps"), typed("integer")},
                                                                {QStringLiteral("loss"), nullable("number")},
                                                                {QStringLiteral("eta_seconds"), nullable("number")},
                                                                {QStringLiteral("error"), nullable("string")}}));
    schemas.insert(QStringLiteral("Dataset"), object(QJsonObject{{QStringLiteral("id"), typed("integer")},
                                                                 {QStringLiteral("name"), typed("string")},
                                                                 {QStringLiteral("validation"), typed("object")}}));

    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
        {QStringLiteral("info"),
         QJsonObject{{QStringLiteral("title"), QStringLiteral("Model Training Manager")},
                     {QStringLiteral("version"), QCoreApplication::applicationVersion()},
                     {QStringLiteral("description"),
                      QStringLiteral("Training jobs and datasets of this computer's Model Training Manager. On "
                                     "127.0.0.1 by default; requests from other computers need the bearer token "
                                     "Settings shows.")}}},
        {QStringLiteral("servers"),
         QJsonArray{QJsonObject{{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8000")}}}},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("components"),
         QJsonObject{{QStringLiteral("schemas"), schemas},
                     {QStringLiteral("securitySchemes"),
                      QJsonObject{{QStringLiteral("token"),
                                   QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                               {QStringLiteral("scheme"), QStringLiteral("bearer")}}}}}}},
    };
}

} // namespace mtm::core
