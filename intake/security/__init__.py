"""What protects the app and its data, below every blueprint.

- headers.py         security headers, and the checks every request passes first
- crypto.py          authenticated encryption of health data (column types, key set)
- keys.py            development keys, and production's refusal of unsafe settings
- blind_index.py     the keyed hash for exact name search
- session_cookie.py  Flask's cookie session, its serializer built once per key set

May import: Flask and the standard library, and intake.extensions; never a blueprint.
"""
