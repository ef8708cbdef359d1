from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "khomun.letters"
    verbose_name = "หนังสือราชการ"
