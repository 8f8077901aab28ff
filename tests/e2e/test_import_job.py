"""A staff member uploads a file: the page answers at once with the job's progress bar,
follows the job by itself (static/js/import_progress.js, under the strict CSP) and shows
the result when a worker has run it."""

from certifications.imports import jobs as import_jobs
from certifications.models import Credential, ImportJob
from cspo_tracker import publishing
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, StaffFactory

CREDENTIALS = """email,first_name,last_name,program,certificate_number,issued_on,expires_on
ana@example.com,Ana,Alves,CSPO,CSPO-OLD0001,2024-02-29,
ben@example.com,Ben,Brown,CSM,CSM-OLD0002,2025-01-15,2027-01-15
"""


def test_the_job_page_follows_the_import_and_shows_its_result(
    page, screenshot, monkeypatch, tmp_path
):
    monkeypatch.setattr(publishing, "publish_job", lambda name, job_id: None)  # no worker yet
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    staff = StaffFactory()
    log_in(page, staff.email, PASSWORD)
    path = tmp_path / "people.csv"
    path.write_text(CREDENTIALS)

    page.goto("/staff/imports/credentials/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    assert page.get_by_text("Waiting for a worker").is_visible()
    assert page.locator("progress").is_visible()
    screenshot("import-job-waiting")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot("import-job-waiting-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    job = ImportJob.objects.get()
    import_jobs.run_import_job(job_id=job.pk)  # the worker runs it; the page notices
    page.get_by_text("Created 2, unchanged 0.").wait_for()
    assert page.locator("progress").count() == 0
    assert page.url.endswith(f"/staff/imports/jobs/{job.pk}/")
    page.reload()  # the upload is not sent again
    assert ImportJob.objects.count() == 1 and Credential.objects.count() == 2
    screenshot("import-job-done")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p]
