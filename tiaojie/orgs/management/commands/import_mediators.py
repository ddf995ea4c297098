from tiaojie.orgs.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = "从 .xlsx 导入调解员；任何一行有错误则不保存，并逐行报告错误（退出码非零）"
    what = "mediators"
