"""{{ cookiecutter.description | replace("\\", "/") | replace("\"", "'") }}"""

__version__ = "{{ cookiecutter.version }}"

__all__ = ["__version__"]
