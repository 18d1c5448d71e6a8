"""Photos and video from the patient's phone.

What lives here: telling a file's type from its bytes (sniff), decoding and re-encoding it
in a separate process with time and memory limits (sandbox, photos, videos, processing),
storing it encrypted in chunks (store), the upload protocol's bookkeeping (uploads) and
the processing job (jobs).

What it may import: the standard library, Pillow, pillow-heif and PyAV (the parts that
run in the sandbox import nothing of Flask or the database), and for the store and jobs
intake.models, intake.storage, intake.security and intake.extensions. No blueprint.
"""
