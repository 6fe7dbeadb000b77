"""Command-line tools: ``flask --app consult seed-demo | create-user | generate-codes``."""

import click
from flask import Flask

from .extensions import db
from .models import Role
from .surveys import generate_codes, get_survey
from .users import UserExists, create_user


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(generate_codes_command)
    app.cli.add_command(close_due_rounds_command)
    from .simulate import simulate_responses_command

    app.cli.add_command(simulate_responses_command)


@click.command("seed-demo")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
def seed_demo_command(base_url: str) -> None:
    """Load Vimmerby kommun's strategy and an open round with five surveys (safe to re-run)."""
    from .demo import seed_demo

    surveys = seed_demo()
    db.session.commit()
    click.echo(f"Demo ready. Open {base_url}/ to answer as a resident:")
    for survey in surveys:
        click.echo(f"  {base_url}/s/{survey.slug}  {survey.title}")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when left out; at least 12 characters.",
)
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create a staff, board or admin account."""
    try:
        create_user(email, password, Role(role), name=name)
    except (UserExists, ValueError) as error:
        raise click.ClickException(f"not created: {error}") from error
    db.session.commit()
    click.echo(f"Created {role} account {email.strip().lower()}.")


@click.command("generate-codes")
@click.argument("slug")
@click.option("--count", "-n", type=click.IntRange(1, 10_000), default=10, show_default=True)
def generate_codes_command(slug: str, count: int) -> None:
    """Print COUNT new one-time invitation codes for a survey (they are shown only now)."""
    survey = get_survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey with slug {slug!r}")
    codes = generate_codes(survey, count)
    db.session.commit()
    click.echo("\n".join(codes))


@click.command("close-due-rounds")
def close_due_rounds_command() -> None:
    """Close open rounds whose closing time has passed (run it from cron, e.g. hourly)."""
    from .builder import close_due_rounds

    closed = close_due_rounds()
    db.session.commit()
    click.echo(f"Closed {len(closed)} round(s).")
