from dossier_app.cli import run

run()
