from amhp.cli.app import app

app()
