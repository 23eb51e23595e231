"""Around the instances: image upload and download, key pairs, server
groups, the overview's bars and the launch dialog's quota check."""
from tests.integration.dashboard.conftest import expect, sign_in


def test_image_upload_with_progress_and_download(page, root, tmp_path):
    data = bytes(range(256)) * 4096  # 1 MiB
    source = tmp_path / 'disk.raw'
    source.write_bytes(data)
    sign_in(page, root, 'imgs')
    page.click('nav >> text=Images')
    page.fill('#img-name', 'uploaded')
    page.select_option('#img-format', 'raw')
    page.set_input_files('#img-file', str(source))
    page.click('form#upload button[type=submit]')
    row = page.locator('tr', has_text='uploaded')
    expect(row).to_contain_text('active', timeout=20000)
    page.shots('image-uploaded')
    with page.expect_download() as download:
        row.get_by_text('Download').click()
    assert open(download.value.path(), 'rb').read() == data


def test_keypair_private_key_downloads_once(page, root):
    sign_in(page, root, 'keys')
    page.click('nav >> text=Key Pairs')
    page.fill('#kp-name', 'mykey')
    page.click('text=Create Key Pair >> nth=-1')
    expect(page.locator('table')).to_contain_text('mykey')
    with page.expect_download() as download:
        page.click('text=Download private key')
    key = open(download.value.path()).read()
    assert 'PRIVATE KEY' in key
    page.goto(root + '/dashboard/keypairs')
    expect(page.locator('text=Download private key')).to_have_count(0)
    page.shots('keypair-created')


def test_server_group_and_overview(page, root):
    sign_in(page, root, 'groups')
    page.click('nav >> text=Server Groups')
    page.fill('#sg-name', 'spread')
    page.click('form.dialog button[type=submit]')
    expect(page.locator('table')).to_contain_text('anti-affinity')
    page.click('nav >> text=Overview')
    expect(page.locator('.bar', has_text='Server Groups')).to_contain_text(
        'Used 1 of')
    page.shots('overview')


def test_launch_over_quota_is_refused_in_plain_words(page, root, api):
    sign_in(page, root, 'quota')
    page.click('text=Launch Instance')
    page.fill('#id_name', 'too-many')
    page.fill('#id_count', '500')
    page.select_option('#id_flavor', index=1)
    page.select_option('#id_image', index=1)
    expect(page.locator('.bar[data-key=maxTotalInstances] .after')
           ).to_contain_text('over the limit')
    page.click('form#launch button[type=submit]')
    expect(page.locator('.flash.error')).to_contain_text(
        'Quota exceeded for Instances')
    page.shots('over-quota')
    servers = api.as_user('quota:quota').get('/servers').json()['servers']
    assert servers == []
