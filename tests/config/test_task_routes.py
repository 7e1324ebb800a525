"""Each kind of work goes to its own queue, so it can get its own workers (deploy/giaingan-worker@.service)."""

import pytest

from config.celery import app


@pytest.fixture(scope="module")
def tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def binding(queue) -> tuple[str, str]:
    return queue.exchange.name, queue.routing_key


def test_each_task_goes_to_its_queue(tasks):
    assert queue_of("disbursement.importing.tasks.run_import_job_task") == "imports"
    assert queue_of("disbursement.figures.tasks.compute_snapshot_task") == "compute"
    assert queue_of("disbursement.figures.tasks.recompute_from_task") == "compute"
    assert queue_of("disbursement.digest.tasks.send_digest_task") == "email"
    assert queue_of("disbursement.digest.tasks.send_weekly_digests_task") == "email"


def test_no_task_lands_on_a_queue_no_worker_serves(tasks, settings):
    served = {queue.name for queue in settings.CELERY_TASK_QUEUES}

    assert served == {"imports", "compute", "email"}
    assert len(tasks) >= 6
    assert {name: queue_of(name) for name in tasks if queue_of(name) not in served} == {}


def test_a_message_for_one_queue_reaches_that_queue_only(tasks):
    queues = app.amqp.queues
    for name in tasks:
        route = app.amqp.router.route({}, name)["queue"]
        receiving = [queue for queue in queues.values() if binding(queue) == binding(route)]
        assert [queue.name for queue in receiving] == [route.name], name
