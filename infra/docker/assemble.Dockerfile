# The assembly job's image (Cloud Run job `<prefix>-assemble`, see infra/terraform/job.tf).
# Build from the repository root, with only tracked files as the context:
#   git archive --format=tar HEAD | docker build -f infra/docker/assemble.Dockerfile -t IMAGE -
# ffmpeg comes from imageio-ffmpeg (requirements.txt): a static build with libx264 and libass.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Caption and title fonts, chosen by coverage through fontconfig (common/media/text/fonts.py): the
# packages in infra/fonts.txt, installed by the same script make and CI run, so a video renders
# the same on a laptop and in the cloud.
COPY infra/fonts.txt /tmp/infra/fonts.txt
COPY infra/scripts/install-fonts.sh /tmp/infra/scripts/install-fonts.sh
RUN apt-get update \
    && apt-get install -y --no-install-recommends fontconfig \
    && bash /tmp/infra/scripts/install-fonts.sh \
    && rm -rf /var/lib/apt/lists/* /tmp/infra

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY main.py ./
COPY common/ common/
COPY functions/ functions/
# The build fails unless the fonts draw every script the font packages declare
# (common/domain/languages.py FONT_PACKAGES): the pre-spend language check trusts that list.
RUN python -m common.media.text.fonts

RUN useradd --create-home --uid 10001 storygenius
USER storygenius

# Each execution passes `--job-id ID` as its args (CloudRunJobRunner.run_assembly).
ENTRYPOINT ["python", "-m", "functions.assemble_job"]
