{{ cookiecutter.description | pydoc }}

__version__ = {{ cookiecutter.version | pyrepr }}

__all__ = ["__version__"]
