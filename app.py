"""The traces API and its scheduled jobs. Routes live in chalicelib/api/, one blueprint each."""
from chalice import Chalice, Cron, Rate

from chalicelib.api import (accounts, authorisations, authority, cois, customs, machines, openapi,
                            organisations, origin, reference, second_factors, session,
                            verification)
from chalicelib.api.http import edge, now
from chalicelib.config import current as settings_now

settings_now()  # a setting that cannot be used stops the cold start, named, not a request later
app = Chalice(app_name="traces")
app.register_middleware(origin.only_through_the_distribution, "http")
app.api.binary_types.append("application/pdf")
app.register_middleware(edge, "http")

for blueprint in (reference.bp, accounts.bp, session.bp, second_factors.bp, authority.bp, organisations.bp,
                  authorisations.bp, cois.bp, verification.bp, customs.bp, machines.bp,
                  openapi.bp):
    app.register_blueprint(blueprint, url_prefix="/api")



@app.schedule(Cron(15, 2, "*", "*", "?", "*"))
def lock_inactive(event):
    from chalicelib.jobs import lock_inactive as job

    return {"locked": job.run(now())}


@app.schedule(Rate(1, unit=Rate.HOURS))
def authority_digest(event):
    from chalicelib.jobs import authority_digest as job

    return {"sent": job.run(now(), scheduled=event.time)}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def deliver_outbox(event):
    from chalicelib.jobs import deliver_outbox as job

    return {"delivered": job.run(now())}


@app.lambda_function(name="mail_feedback")
def mail_feedback(event, context):
    """SES's bounces and complaints, through the configuration set's SNS topic (deploy/template.py)."""
    from chalicelib.services import mail_feedback as feedback

    return {"marked": feedback.handle(event, now())}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def deliver_webhooks(event):
    from chalicelib.jobs import deliver_webhooks as job

    return {"handled": job.run(now())}
