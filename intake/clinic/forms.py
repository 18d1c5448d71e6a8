"""Forms of the clinician workspace (the patient's forms are in forms.py)."""

from __future__ import annotations

from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from intake.clinic.accounts import MAX_PASSWORD, USERNAME_PATTERN
from intake.forms import SafeForm
from intake.models import Role

NOTE_MAX = 5000


class LoginForm(SafeForm):
    username = StringField("Username", validators=[DataRequired("Enter your username"), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=1024)])


class PasswordChangeForm(SafeForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password"), Length(max=1024)]
    )
    new = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password"),
            Length(max=MAX_PASSWORD, message=f"Use at most {MAX_PASSWORD} characters."),
        ],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("new", "The two new passwords are not the same"),
        ],
    )


class NoteForm(SafeForm):
    body = TextAreaField(
        "Add a note",
        validators=[
            DataRequired("Write the note first"),
            Length(max=NOTE_MAX, message=f"Use {NOTE_MAX:,} characters or fewer."),
        ],
    )


class AccountForm(SafeForm):
    username = StringField(
        "Username",
        description="Lower-case letters, digits, dots, dashes or underscores, e.g. j.chen",
        filters=[lambda value: value.strip().casefold() if isinstance(value, str) else value],
        validators=[
            DataRequired("Enter a username"),
            Regexp(
                USERNAME_PATTERN.pattern,
                message="Use 2 to 64 lower-case letters, digits, dots, dashes or underscores",
            ),
        ],
    )
    display_name = StringField(
        "Full name, as colleagues should see it",
        validators=[DataRequired("Enter the person's name"), Length(max=120)],
    )
    role = RadioField(
        "Role",
        choices=[(Role.CLINICIAN, "Clinician"), (Role.ADMIN, "Administrator (also manages accounts)")],
        default=Role.CLINICIAN,
    )


class CodeForm(SafeForm):
    """The second factor: six digits from the app, or a recovery code."""

    code = StringField(
        "Code",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Enter the code"),
            Length(max=64, message="That is not a code from your app or a recovery code."),
        ],
    )
