"""The offline painter: procedural storybook pictures (numpy and Pillow only).

painter.py composes a frame; style.py reads the request (sky, scenery, colours; tables in
data/scenery.toml), canvas.py holds the raster tools, sky.py, land.py, places.py and props.py
paint the world, looks.py and figures.py the characters (tables in data/figures.toml).
"""

from common.adapters.offline.painter.painter import OfflineImageGenerator

__all__ = ["OfflineImageGenerator"]
