{
    'name': "Relances clients (France): an extension, for the tests",
    'summary': "Another module's create override and field default on relances, lines and files",
    'version': '19.0.1.0.0',
    'category': 'Hidden/Tests',
    'author': "account_relance_fr contributors",
    'website': "https://account-relance-fr.example/",
    'license': 'LGPL-3',
    'depends': ['account_relance_fr'],
    'installable': True,
}
